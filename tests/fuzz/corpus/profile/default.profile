# Stockade's default profile: a floor that a typical image (a busybox shell,
# a static web server, a database writing to a volume) runs under unchanged,
# whatever the engine asks for.  See stockade-profile(5).
#
# Each setting says why it is what it is; where a setting departs from what
# Docker does by default, the comment says so.
[Profile]
Mode=enforce

# System calls: @system-service is a subset of Docker's default allow-list
# (it leaves out io_uring, keyrings, ptrace and process_vm_*, kcmp,
# name_to_handle_at, adjtimex and the NUMA calls).  Namespaces cannot be
# created with clone/unshare, personality() is PER_LINUX or the query, and
# AF_VSOCK sockets are refused, as Docker does.  Only the native ABI: a
# 32-bit (x86, x32) system call is killed.
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
SystemCallArgumentFilter=clone-no-namespaces personality-linux-only socket-no-vsock
SystemCallArchitectures=native

# Docker's default set without CAP_NET_RAW (raw packets: spoofing, ARP
# tricks; ping works through ping sockets, see SysctlAllow) and CAP_MKNOD
# (device nodes are the runtime's business, see DeviceAllow).
CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER
CapabilityBoundingSet=CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE CAP_SETFCAP

# setuid and file-capability binaries gain nothing.  Entry points that drop
# root themselves (gosu, su-exec, postgres) are not affected.
NoNewPrivileges=yes

# Container root is never host root.  Each container gets 65536 host ids
# out of systemd's container range (UIDS-GIDS.md: 524288-1879048191, in 64K
# slices); reserve it in /etc/subuid so nothing else is given those ids.
PrivateUsers=require
PrivateUsersRange=524288:1878523904

# The image is read-only; /tmp and /run are private tmpfs (with the image's
# content copied in).  Volumes stay writable.
ReadOnlyRootfs=yes
WritablePaths=/tmp /run

# runc's and Docker's defaults (a config from either already has them).
MaskedPaths=/proc/acpi /proc/asound /proc/interrupts /proc/kcore /proc/keys
MaskedPaths=/proc/latency_stats /proc/timer_list /proc/timer_stats
MaskedPaths=/proc/sched_debug /proc/scsi /sys/firmware
MaskedPaths=/sys/devices/virtual/powercap
ReadOnlyPaths=/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger

# Host paths that must never be bound in: the host's root itself (binding a
# subdirectory of / is what a volume is), the kernel's views, the host's
# configuration, and the engines' control sockets (whoever holds one can
# start a privileged container).  For containerd only the sockets and the
# task bundles are listed: CRI puts each pod's /dev/shm under /run/containerd.
# A bind of /etc/localtime is removed too: set TZ instead.
DenyBindSources=/ /proc /sys /dev /etc /boot
DenyBindSources=/var/run/docker.sock /run/docker.sock
DenyBindSources=/run/containerd/containerd.sock /run/containerd/containerd.sock.ttrpc
DenyBindSources=/var/run/containerd/containerd.sock /run/containerd/s
DenyBindSources=/run/containerd/io.containerd.runtime.v2.task
DenyBindSources=/run/podman/podman.sock /var/run/crio/crio.sock /run/crio/crio.sock
BindMountFlags=nosuid,nodev

# The host's pid, ipc, uts, mount and cgroup namespaces are never shared
# (--pid=host and friends get a new one).  Engines join namespaces by path
# for networking (docker --network container:X, CNI) and Kubernetes pods
# share the sandbox's ipc and uts: those joins stay allowed.  --network=host
# is allowed; strict.profile refuses it.
PrivateNamespaces=pid ipc uts mnt cgroup
JoinNamespaces=network ipc uts

# Only the default device set, plus the cgroup rule for /dev/net/tun that
# runc, Docker and containerd add by default (the rule alone creates no node).
DeviceAllow=c 10:200

# A fork bomb stops at 4096 tasks; no core dumps (they land on the host
# through core_pattern).
PidsMax=4096
RlimitCORE=0

# Kubernetes' "safe" sysctls, which include what Docker sets itself.
SysctlAllow=kernel.shm_rmid_forced net.ipv4.ip_local_port_range
SysctlAllow=net.ipv4.ip_unprivileged_port_start net.ipv4.ping_group_range
SysctlAllow=net.ipv4.ip_local_reserved_ports net.ipv4.tcp_syncookies
SysctlAllow=net.ipv4.tcp_keepalive_time net.ipv4.tcp_fin_timeout
SysctlAllow=net.ipv4.tcp_keepalive_intvl net.ipv4.tcp_keepalive_probes

# Docker's networking uses a prestart hook (libnetwork-setkey).  Hooks run
# as host root, so strict.profile refuses them.
AllowHooks=yes
