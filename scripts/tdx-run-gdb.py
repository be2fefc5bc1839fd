# tdx-run-gdb.py: gdb's side of `tdx-run --gdb`. The trap engine owns some
# faults of a TD program (the TDCALL trap: SIGILL on AMD, SIGSEGV on Intel;
# IN/OUT/HLT/RDMSR/WRMSR/CPUID #GP; first touches of TD memory windows;
# host interrupts). gdb stops at every signal; this script lets the
# engine's own ones pass on to the program silently and stops, as gdb
# normally would, at any other fault: at the faulting instruction.
# The engine raises SIGTRAP before it ends a TD (bad access, injected
# exception, dead TD), so gdb stops there too, after the engine's line.
import gdb

SI_KERNEL = 0x80
ILL_ILLOPN = 2
TDCALL = bytes([0x66, 0x0F, 0x01, 0xCC])
# Prefixes before IN/OUT/INS/OUTS that leave them IN/OUT/INS/OUTS.
PREFIXES = {0x66, 0x67, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65}
IO_OPCODES = {0xE4, 0xE5, 0xE6, 0xE7, 0xEC, 0xED, 0xEE, 0xEF, 0x6C, 0x6D, 0x6E, 0x6F}
TWO_BYTE = {0x30, 0x32, 0xA2}  # WRMSR, RDMSR, CPUID (after 0x0F)
ENGINE_IRQ = "SIG63"  # TDX_TRAP_IRQ_SIGNAL, SIGRTMAX-1 on glibc

gdb.execute("set pagination off")


def read(addr, n):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, n))
    except gdb.MemoryError:
        return b""


def windows():
    """The TD windows, from the engine's exported record (trap.h)."""
    try:
        w = gdb.parse_and_eval("(unsigned long *)&tdxkit_gdb_windows")
        return int(w[0]), int(w[1]), int(w[2])
    except gdb.error:
        return 0, 0, 0


def engine_instruction(pc):
    code = read(pc, 16)
    if code.startswith(TDCALL):
        return True
    i = 0
    while i < len(code) and code[i] in PREFIXES:
        i += 1
    if i < len(code) and (code[i] in IO_OPCODES or code[i] == 0xF4):  # HLT
        return True
    return i + 1 < len(code) and code[i] == 0x0F and code[i + 1] in TWO_BYTE


def engine_owned(sig):
    info = gdb.parse_and_eval("$_siginfo")
    code = int(info["si_code"])
    pc = int(gdb.parse_and_eval("$pc"))
    if sig == "SIGILL":
        return code == ILL_ILLOPN and read(pc, 4) == TDCALL
    if sig == "SIGSEGV" and code == SI_KERNEL:
        return engine_instruction(pc)
    if sig in ("SIGSEGV", "SIGBUS") and code > 0:
        addr = int(info["_sifields"]["_sigfault"]["si_addr"])
        priv, shared, size = windows()
        return (priv and priv <= addr < priv + size) or \
            (shared and shared <= addr < shared + size + 4096)
    return False


class GenuineFault(gdb.Function):
    """$_tdxkit_genuine(): 1 if the signal gdb caught is not the engine's."""

    def __init__(self):
        super().__init__("_tdxkit_genuine")

    def invoke(self):
        sig = str(gdb.parse_and_eval("$_siginfo.si_signo"))
        name = {"4": "SIGILL", "11": "SIGSEGV", "7": "SIGBUS"}.get(sig, "")
        if name and engine_owned(name):
            return 0
        print("tdx-run --gdb: %s is not the trap engine's: stopped at the faulting instruction"
              % (name or "signal " + sig))
        return 1


GenuineFault()
# The engine's signals reach the program without a stop or a line; a
# catchpoint whose condition asks the function above stops at the others.
for signame in ("SIGILL", "SIGSEGV", "SIGBUS", ENGINE_IRQ):
    gdb.execute("handle %s nostop noprint pass" % signame)
gdb.execute("catch signal SIGILL SIGSEGV SIGBUS")
gdb.execute("condition $bpnum $_tdxkit_genuine()")
