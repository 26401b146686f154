"""layerlint: a Dockerfile analyser that reads Dockerfiles the way BuildKit does."""
__version__ = "0.1.0"
