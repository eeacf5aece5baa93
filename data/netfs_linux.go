package data

import "syscall"

func detectNetworkFS(path string) (string, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return "", false // the open that follows reports what is wrong with path
	}
	name := linuxNetworkFS(int64(st.Type))
	return name, name != ""
}

// linuxNetworkFS names the network file system with statfs magic number fsType, or
// is "" for a local one. FUSE (0x65735546) is not on the list although sshfs and
// GlusterFS use it: so do ntfs-3g and exfat for the USB drives offices pass around,
// where SQLite works, and statfs cannot tell them apart.
func linuxNetworkFS(fsType int64) string {
	switch fsType {
	case 0x6969:
		return "NFS"
	case 0x517B:
		return "SMB"
	case 0xFF534D42:
		return "CIFS"
	case 0xFE534D42:
		return "SMB2"
	case 0x01021997:
		return "9P"
	case 0x5346414F, 0x6B414653:
		return "AFS"
	case 0x00C36400:
		return "Ceph"
	case 0x0BD00BD0:
		return "Lustre"
	case 0x73757245:
		return "Coda"
	case 0x564C:
		return "NCP"
	}
	return ""
}
