"""Referable: the referral and introductions engine for professional practices."""
