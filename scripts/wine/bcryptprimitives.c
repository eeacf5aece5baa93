/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for running danvan's
 * Windows binaries under Debian's Wine 8, which lacks this DLL. Go 1.22 and later
 * call ProcessPrng at start-up for random bytes; without it a Go program dies
 * before main. This shim answers from RtlGenRandom (advapi32!SystemFunction036).
 *
 * Never shipped: real Windows 10 and 11 have bcryptprimitives.dll. Built and placed
 * in a throwaway Wine prefix by scripts/dist-check.sh.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
	(void)instance;
	(void)reason;
	(void)reserved;
	return TRUE;
}
