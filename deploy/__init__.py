"""A team deployment: N dashboard replicas behind nginx (``deploy/serve-team``)."""
