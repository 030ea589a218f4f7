"""Code that runs inside execution environments. Standard library only: it is imported by
whichever Python interpreter the function's runtime names."""
