"""Tests across apps: security, permissions, load, several app servers, backup, scheduled jobs."""
