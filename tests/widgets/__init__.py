"""Tests of the order queue widget, its model and status looks."""
