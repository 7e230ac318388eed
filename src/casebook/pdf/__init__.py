"""The PDF renderer: handouts and lecture packs printed by WeasyPrint."""
