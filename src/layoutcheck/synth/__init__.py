"""Training data: procedural pages, defects injected in Chromium, benign noise, a compositor."""
