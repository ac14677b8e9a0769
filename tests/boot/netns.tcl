# Procedures for the boot tests that run inside a network namespace of
# their own (tools/netns-run.sh): the guest at 10.0.3.2 on tap0's link,
# a host client in Python (the caller sets ::client to its path)
# printing PASS/FAIL and "info" lines, and the guest's counters read
# at its console. Sourced after lib.tcl.

# Refuse to go on unless inside one of ours (named kite-*), whose only
# links are lo and tap0: from the machine's own namespace the same
# addresses could leave the machine.
proc netns_only {tag} {
	catch {exec ip netns identify} ns
	catch {exec ip -o link show} links
	set names [regexp -all -inline -line {^\d+: ([^:@]+)} $links]
	set others {}
	foreach {all name} $names {
		if {$name ne "lo" && $name ne "tap0"} { lappend others $name }
	}
	if {![string match kite-* $ns] || $others ne ""} {
		fail ${tag}_runs_inside_its_own_network_namespace "namespace '$ns', other links '$others': refusing to send"
		exit 1
	}
	pass ${tag}_runs_inside_its_own_network_namespace
}

# The host client's result and info lines, passed on; other lines
# returned.
proc relay {text} {
	set rest {}
	foreach line [split $text "\n"] {
		if {[regexp {^(PASS|FAIL|info) } $line]} {
			puts $line
		} elseif {$line ne ""} {
			lappend rest $line
		}
	}
	return $rest
}

proc host_client {args} {
	global client tag
	if {[catch {exec python3 $client {*}$args} out]} {
		append out "\nFAIL ${tag}_host_client_[lindex $args 0]_exits_cleanly: python3 failed (its lines above)"
	}
	foreach line [relay $out] { puts "info client: $line" }
}

# A long-running host client: a pipe to write commands to and read
# lines from. "client_line FD" reads one line, passing results on.
proc client_open {args} {
	global client
	set fd [open "|python3 [list $client] $args 2>@1" r+]
	fconfigure $fd -buffering line
	return $fd
}
proc client_line {fd} {
	while {[gets $fd line] >= 0} {
		if {[relay $line] ne ""} { return $line }
	}
	return "<eof>"
}
proc client_close {fd} {
	global tag
	while {[gets $fd line] >= 0} {
		foreach l [relay $line] { puts "info client: $l" }
	}
	if {[catch {close $fd} err]} {
		puts "FAIL ${tag}_host_client_exits_cleanly: $err"
	}
}

# /proc/net/snmp as a dict, "Tcp.RetransSegs" -> value.
proc guest_mib {} {
	set out [kite_run "cat /proc/net/snmp"]
	set mib {}
	# Not a log line that may come in between ("tcp: ...").
	set lines [regexp -all -inline -line {^[A-Z]\w*: .*$} $out]
	foreach {names vals} $lines {
		set proto [string trimright [lindex $names 0] :]
		foreach n [lrange $names 1 end] v [lrange $vals 1 end] {
			dict set mib $proto.$n $v
		}
	}
	return $mib
}
proc mib_delta {before after key} {
	if {![dict exists $before $key] || ![dict exists $after $key]} { return -1 }
	return [expr {[dict get $after $key] - [dict get $before $key]}]
}

# The TCP line of /proc/net/sockstat as a dict, inuse orphan tw alloc
# mem, and "used" from the sockets line.
proc sockstat {} {
	set out [kite_run "cat /proc/net/sockstat"]
	set d {}
	if {[regexp -line {^sockets: used (\d+)} $out -> used]} {
		dict set d used $used
	}
	if {[regexp -line {^TCP: (.*)$} $out -> fields]} {
		foreach {k v} $fields { dict set d $k $v }
	}
	return $d
}
proc tcp_row {d} {
	set r {}
	foreach k {inuse orphan tw alloc mem} {
		if {[dict exists $d $k]} { lappend r $k [dict get $d $k] }
	}
	return $r
}

proc heap_in_use {} {
	set out [kite_run "cat /proc/meminfo"]
	if {[regexp -line {^HeapInUse: +(\d+) kB} $out -> kb]} { return $kb }
	return -1
}

# Wait (up to 10 s) for the TCP services to listen: their threads may
# still be starting when the prompt comes.
proc all_listening {} {
	set end [expr {[clock milliseconds] + 10000}]
	while {1} {
		set out [kite_run "ss -tln"]
		set n 0
		foreach p {7 9 19 80} {
			incr n [regexp -line "^LISTEN .* 0\\.0\\.0\\.0:$p " $out]
		}
		if {$n == 4} { return 1 }
		if {[clock milliseconds] > $end} { return 0 }
		after 250
	}
}

# Boot the guest (spawn cmd) to its prompt with the static address
# 10.0.3.2 the command line gives it; exit on failure.
proc netns_boot {tag cmd} {
	global spawn_id
	set upre "net: eth0 up 10\\.0\\.3\\.2/24 gw 10\\.0\\.3\\.1"
	eval spawn -noecho $cmd
	set configured 0
	expect {
		-re $upre { set configured 1; exp_continue }
		-re {\nkite> $} {}
		"panic:" { fail ${tag}_boots_to_prompt "kernel panic"; exit 1 }
		timeout { fail ${tag}_boots_to_prompt "no prompt"; exit 1 }
		eof { fail ${tag}_boots_to_prompt "QEMU exited"; exit 1 }
	}
	if {!$configured} {
		fail ${tag}_boots_with_static_address "no '$upre' line"
		exit 1
	}
	pass ${tag}_boots_with_static_address
}
