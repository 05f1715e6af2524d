# Test profile for lsm.bats: Landlock only, nothing else constrained.
[Profile]
Mode=enforce
LandlockReadOnly=/bin /sbin /usr /etc /proc /srv/ro
LandlockReadWrite=/tmp /dev /srv/rw
