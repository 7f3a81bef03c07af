"""Advice on rules (layer 6, above verdict): the rules that would make QEMU accept a pair
(suggest) and what one rule changes in a verdict (rule_effect).
"""
