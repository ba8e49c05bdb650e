#!/bin/busybox sh
# /init (PID 1) of the policy-probe initramfs (probe-policy.sh). Files next to it:
#   /modules.list  modules to insmod, in order (hash algorithms for appraise_algos=)
#   /probe.lines   "ID MODE HEX" lines for /bin/policy-probe (see policy-probe.c)
# Results go to the serial console as "IMAKT ..." lines; the host judges.

. /guest-lib.sh
kt_boot_guest
say "LSM $(cat /sys/kernel/security/lsm 2>/dev/null)"
kt_insmod_all
P=/sys/kernel/security/ima/policy
if [ -e $P ]; then say "POLICYFILE present-before"; else say "POLICYFILE absent-before"; fi
echo 0 >/proc/sys/kernel/printk_ratelimit

t0=$(cut -d' ' -f1 /proc/uptime)
/bin/policy-probe /probe.lines
say "PROBE-RC $?"
t1=$(cut -d' ' -f1 /proc/uptime)
say "PROBE-TIME $t0 $t1"

if [ -e $P ]; then say "POLICYFILE present-after"; else say "POLICYFILE absent-after"; fi
say "UPDATES failed=$(dmesg | grep -c 'policy update failed') completed=$(dmesg | grep -c 'policy update completed')"
finish
