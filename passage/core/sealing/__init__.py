"""Sealing: keys exist only in memory, after someone unseals with the passphrase or k shares.

keyring.py holds the wrapped keys on disk; state.py the keys of this process and the seal flag all
processes on the host share; datakeys.py the per-case keys that make crypto-shredding possible.
"""
