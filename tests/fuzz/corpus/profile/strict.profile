# Stockade's strict profile: refuses (does not clamp) any config that asks
# for more than this.  For engines configured to ask for little: no
# capabilities, a small system call set, no host namespaces, no hooks,
# Landlock on.  See stockade-profile(5).
[Profile]
Mode=strict

# Files, processes, signals, timers, event loops, pipes and terminals; no
# networking, no SysV IPC, no setuid, no chown, no device nodes.
SystemCallFilter=@default @basic-io @file-system @process @signal @timer
SystemCallFilter=@io-event @sync pipe pipe2 ioctl uname umask sysinfo
SystemCallFilter=setpgid setsid getpriority madvise mremap capget
SystemCallFilter=~mknod mknodat execveat
SystemCallErrorNumber=EPERM
SystemCallArgumentFilter=clone-no-namespaces
SystemCallArchitectures=native

# No capabilities at all, in any set.
CapabilityBoundingSet=
AmbientCapabilities=no
NoNewPrivileges=yes

PrivateUsers=require
PrivateUsersRange=524288:1878523904

ReadOnlyRootfs=yes
WritablePaths=/tmp /run
MaskedPaths=/proc/acpi /proc/asound /proc/interrupts /proc/kcore /proc/keys
MaskedPaths=/proc/latency_stats /proc/timer_list /proc/timer_stats
MaskedPaths=/proc/sched_debug /proc/scsi /sys/firmware
MaskedPaths=/sys/devices/virtual/powercap
ReadOnlyPaths=/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger
# The default profile's list, plus the home directories.
DenyBindSources=/ /proc /sys /dev /etc /boot /root /home
DenyBindSources=/var/run/docker.sock /run/docker.sock
DenyBindSources=/run/containerd/containerd.sock /run/containerd/containerd.sock.ttrpc
DenyBindSources=/var/run/containerd/containerd.sock /run/containerd/s
DenyBindSources=/run/containerd/io.containerd.runtime.v2.task
DenyBindSources=/run/podman/podman.sock /var/run/crio/crio.sock /run/crio/crio.sock
BindMountFlags=nosuid,nodev,noexec

# Every namespace is the container's own; nothing is joined.
PrivateNamespaces=pid net ipc uts mnt cgroup
JoinNamespaces=no

# The default device set only.
DeviceAllow=

# Paths inside the container: everything may be read, only scratch space
# and /dev (for /dev/null, the terminal) written.
LandlockReadOnly=/
LandlockReadWrite=/tmp /run /dev

PidsMax=1024
RlimitCORE=0
RlimitNOFILE=1024:4096

SysctlAllow=
AllowHooks=no
