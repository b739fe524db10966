"""Sections: the parts a page is built from, and the state they share."""
