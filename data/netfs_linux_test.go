package data

import "testing"

func TestLinuxNetworkFS(t *testing.T) {
	for fsType, want := range map[int64]string{
		0x6969: "NFS", 0x517B: "SMB", 0xFF534D42: "CIFS", 0xFE534D42: "SMB2", 0x01021997: "9P",
		0x5346414F: "AFS", 0x6B414653: "AFS", 0x00C36400: "Ceph", 0x0BD00BD0: "Lustre",
		0xEF53: "", 0x01021994: "", 0x58465342: "", 0x9123683E: "", 0x65735546: "", // ext4, tmpfs, xfs, btrfs, FUSE
	} {
		if got := linuxNetworkFS(fsType); got != want {
			t.Errorf("linuxNetworkFS(%#x) = %q, want %q", fsType, got, want)
		}
	}
	if kind, remote := detectNetworkFS(t.TempDir()); remote {
		t.Errorf("the test's temporary folder is on %s", kind)
	}
}
