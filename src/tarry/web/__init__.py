"""The local web app: a thin shell over the library, private to this machine."""
