"""Domain package of the electronic staff card: rules, services and their AWS adapters.

Pure Python (no OpenCV): the face engine lives in the vision layer and is imported lazily
only by the services that need it, so functions without the vision layer can import this package.
"""
