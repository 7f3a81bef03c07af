"""Advice on rules (layer 6, above verdict): the rules that would make QEMU accept a pair
(suggest), what one rule changes in a verdict (rule_effect), how each rule can be deployed on
the chosen release and the verdict told honestly — as it is, or once the rules are built in
(deployability), and what fixes what no cpreg rule can (remedy).
"""
