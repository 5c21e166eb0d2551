"""The SDK runtime: signing, envelopes, errors, parameters and the base clients.

Plain Python copied verbatim from the generator's templates/runtime/ into every generated SDK.
"""
