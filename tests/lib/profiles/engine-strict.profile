# engine.profile in strict mode: a config asking for more is refused, not
# clamped.  The engine tests check that the reason reaches the engine's user.
[Profile]
Include=engine.profile
Mode=strict
