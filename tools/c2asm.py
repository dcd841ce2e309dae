#!/usr/bin/env python3
"""Disassemble one C2-compiled method from -XX:+PrintAssembly output with objdump.

HotSpot prints a compiled method's machine code as hex words when its disassembler plugin
(hsdis) cannot decode it; Debian's libhsdis0-fcml, copied to $JAVA_HOME/lib/hsdis-amd64.so,
loads in Temurin 25 but prints only hex. This turns that hex back into instructions:

    java -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,arcus.core.cpu.Gemm::kernel ... > out.txt
    tools/c2asm.py out.txt            # the last C2 (tier 4) compilation in the file
    tools/c2asm.py out.txt --method Gemm::kernel

Needs binutils' objdump. Prints Intel syntax with the method's real addresses.
"""
import argparse
import re
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", help="output of a JVM run with -XX:CompileCommand=print,... or -XX:+PrintAssembly")
    ap.add_argument("--method", default="", help="substring of the method name to pick (default: any)")
    args = ap.parse_args()

    lines = open(args.file, errors="replace").read().split("\n")
    starts = [i for i, l in enumerate(lines)
              if l.startswith("Compiled method (c2)") and args.method in l and " % " not in l]
    if not starts:
        sys.exit("no C2 compilation%s in %s" % (" of " + args.method if args.method else "", args.file))
    start = starts[-1]
    code, base = bytearray(), None
    for l in lines[start:]:
        if l.startswith("[Stub Code]") or l.startswith("[Exception Handler]"):
            break
        m = re.match(r"\s+0x([0-9a-f]+): ((?:[0-9a-f]{4} ?\|? ?)+)\s*$", l)
        if m:
            if base is None:
                base = int(m.group(1), 16)
            code += bytes.fromhex(m.group(2).replace("|", "").replace(" ", ""))
    if base is None:
        sys.exit("no machine code found after line %d (was it printed as instructions already?)" % (start + 1))
    print(lines[start])
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel",
                              "--adjust-vma=%d" % base, f.name], capture_output=True, text=True, check=True)
    print(out.stdout)


if __name__ == "__main__":
    main()
