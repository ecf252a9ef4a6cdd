"""The model: every input params name, loaded once and kept to the council, as frames named by their grain."""

from carequality.model.build import Model, area_mask, build_model, council_history

__all__ = ["Model", "area_mask", "build_model", "council_history"]
