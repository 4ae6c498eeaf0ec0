"""Archive: the whole store as one versioned document (export, import-backup and its checks), and
CSV export.
"""
