"""Performance figures for Storefront (`make bench`); not part of the test suite."""
