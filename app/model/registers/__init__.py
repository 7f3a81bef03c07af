"""Register identity, the lowest layer above ``errors``: ids and their encodings (regid), the
accelerator that wrote them (accel), the register database and bitfields (regdb, fields), ids
for state outside the cpreg arrays (state_ids), constness and decoding a typed register.
"""
