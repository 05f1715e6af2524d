Include=inc1
Mode=enforce
SystemCallFilter=~@mount
PidsMax=50
%%%
Include=./inc2.profile
NoNewPrivileges=yes
CapabilityBoundingSet=CAP_CHOWN CAP_KILL
%%%
MaskedPaths=/proc/kcore
Include=main
