"""Evaluation of Commentary Q&A against questions nobody on the project wrote (``cqa eval``)."""
