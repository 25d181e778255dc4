"""feedsite: static sites from Chinese machine-learning note feeds."""
__version__ = "0.1.0"
