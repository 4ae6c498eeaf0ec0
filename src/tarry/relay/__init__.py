"""The relay: a small server that stores and forwards ciphertext between paired devices."""
