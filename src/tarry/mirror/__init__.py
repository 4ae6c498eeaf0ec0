"""The mirror: imported conversations, labelled and analysed."""
