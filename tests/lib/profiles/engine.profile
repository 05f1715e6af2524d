# The engine tests' profile: the default profile without its user namespace
# (PrivateUsers=require on an engine's overlay rootfs needs idmapped layers;
# the engine tests check everything else of default through the engines).
[Profile]
Include=default
PrivateUsersRange=
PrivateUsers=allow
