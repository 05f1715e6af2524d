[Profile]
Mode=complain
Include=default
PrivateUsers=require
PrivateUsersRange=100000:655360
SELinuxContext=container_t
SELinuxLevel=auto
SELinuxMountContext=container_file_t
RlimitNOFILE=1024:4096
RlimitNPROC=infinity
DeviceAllow=c 1:3 c 5:* b 8:0
JoinNamespaces=network
PrivateNamespaces=pid ipc uts
SysctlAllow=net.ipv4.ip_forward kernel.shm*
LandlockReadOnly=/usr /etc
LandlockReadWrite=/tmp
AllowHooks=no
AmbientCapabilities=yes
SystemCallErrorNumber=kill
SystemCallArchitectures=native x86 x32
SystemCallArgumentFilter=clone-no-namespaces personality-linux-only socket-no-vsock
SystemCallFilter=
SystemCallFilter=read write \
  exit_group
