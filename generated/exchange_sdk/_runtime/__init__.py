# DO NOT EDIT: copied by sdkgen from templates/runtime/__init__.py
"""The SDK runtime: signing, envelopes, errors, parameters and the base clients.

Plain Python copied verbatim from the generator's templates/runtime/ into every generated SDK.
"""
