# Stockade's complain profile: the default profile, but nothing is changed.
# Every change enforce would make is logged (stockade-profile(5), "Report"),
# and the seccomp filter logs (SCMP_ACT_LOG) instead of denying: run a
# workload under it to see what the default profile would do to it.
[Profile]
Include=default
Mode=complain
