"""The `embudo.yaml` templates users start from: one YAML file per kind of business."""
