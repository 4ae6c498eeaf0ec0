"""The demo home: twelve weeks in the life of Robin, a fictional person."""
