"""docdenoise: clean scanned document pages with a small convolutional denoising autoencoder.

Importing the package is cheap: it pulls in neither torch nor Qt. The cleaning core lives in
`docdenoise.page`, `imageio`, `tiling`, `model`, `weights`, `device`, `inference`, `cleaning` and
`batch`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
