"""The learned ranking stage: question analysis, features, and the models that weigh them."""
