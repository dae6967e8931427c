"""The hostile corpus (issue 9): cases in manifest.yaml, built by generate.py, run by test_corpus.py."""
