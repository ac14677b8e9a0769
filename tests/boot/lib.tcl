# Shared procedures for the expect boot tests.
#
# Every check prints exactly one line, "PASS name" or "FAIL name: why",
# which tools/run-tests.sh counts. The whole console transcript goes to
# the log file the caller names, kept for reading after a failure.

set timeout 30
log_user 0

proc pass {name {note ""}} {
	if {$note ne ""} { puts "PASS $name ($note)" } else { puts "PASS $name" }
}
proc fail {name why} {
	puts "FAIL $name: $why"
}

# Spawn QEMU and wait for the prompt. Returns 1 on success.
proc kite_boot {name cmd} {
	global spawn_id guest_ms boot_text
	set start [clock milliseconds]
	set guest_ms "?"
	set boot_text ""
	eval spawn -noecho $cmd
	expect {
		-re {kite: ready in ([0-9]+) ms} {
			set guest_ms $expect_out(1,string)
			append boot_text $expect_out(buffer)
			exp_continue
		}
		-re {\nkite> $} {
			append boot_text $expect_out(buffer)
			set wall [expr {[clock milliseconds] - $start}]
			pass $name "prompt ${guest_ms} ms after power-on by the guest clock, ${wall} ms wall clock from spawn"
			return 1
		}
		"panic:" { fail $name "kernel panic"; return 0 }
		timeout { fail $name "no prompt within $::timeout s"; return 0 }
		eof { fail $name "QEMU exited before the prompt"; return 0 }
	}
}

# Send one command line and return its output: everything between the
# echoed line and the next prompt, without CRs (the pty adds its own).
proc kite_run {line} {
	send -- "$line\r"
	expect {
		-re {\nkite> $} {
			set out $expect_out(buffer)
		}
		timeout { return "<timeout>" }
		eof { return "<eof>" }
	}
	set out [string map {"\r" ""} $out]
	# Drop the echoed command line and the trailing prompt.
	set nl [string first "\n" $out]
	set out [string range $out [expr {$nl + 1}] end]
	return [string range $out 0 end-[string length "\nkite> "]]
}

# Run a guest command until its output matches re (want 1) or stops
# matching it (want 0), for up to secs seconds: the stack finishes
# closes on its own time. The last output.
proc kite_run_until {line re secs {want 1}} {
	set end [expr {[clock milliseconds] + $secs * 1000}]
	while {1} {
		set out [kite_run $line]
		if {[regexp -line -- $re $out] == $want ||
		    [clock milliseconds] >= $end} {
			return $out
		}
		after 250
	}
}

# Wait for a pattern from a host helper spawned as hid; the text
# matched, or "".
proc host_expect {hid re} {
	expect {
		-i $hid -re $re { return $expect_out(0,string) }
		-i $hid timeout { return "" }
		-i $hid eof { return "" }
	}
}

# Read the guest console until re or the prompt (nc ended); the text,
# without CRs.
proc guest_until {re} {
	expect {
		-re $re { return [string map {"\r" ""} $expect_out(buffer)] }
		-re {\nkite> $} { return [string map {"\r" ""} $expect_out(buffer)] }
		timeout { return "<timeout>" }
		eof { return "<eof>" }
	}
}

# End an nc session that is still running (after a failure).
proc nc_end {out} {
	if {![regexp {\nkite> $} $out]} {
		send -- "\x03"
		expect -re {\nkite> $}
	}
}

# Check that output matches a regular expression.
proc check {name out re} {
	if {[regexp -line -- $re $out]} {
		pass $name
		return 1
	}
	fail $name "output did not match /$re/: [string range $out 0 400]"
	return 0
}

# Power off and check QEMU's exit status.
proc kite_poweroff {name} {
	send -- "poweroff\r"
	expect {
		eof {}
		timeout { fail $name "QEMU still running after poweroff"; return 0 }
	}
	set status [wait]
	set code [lindex $status 3]
	if {$code == 0} { pass $name; return 1 }
	fail $name "QEMU exit status $code"
	return 0
}
