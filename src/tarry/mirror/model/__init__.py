"""The mirror's learned labeller: features, the shipped weights, training and its corpus."""
