"""Demand estimators: inference, training, fleet."""
