"""The edge uploader: runs beside the lobby camera and sends one face crop per person passing.

It needs Python 3.11+, opencv-python-headless, numpy, requests and pillow (``requirements.txt``), the
YuNet model file, and ``chamcong/device_signature.py`` (the device signature, shared with the server; standard
library only). ``make edge`` packs all the code into one file, ``out/edge/chamcong-edge.pyz``.
"""
