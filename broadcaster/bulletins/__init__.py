"""The source stage: bulletins written in script files, the web form or uploaded recordings."""
