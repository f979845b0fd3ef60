#!/usr/bin/perl
# numvertd in server mode against Debian's Net::SMPP (libnet-smpp-perl)
# as the ESME: a second SMPP implementation nobody here wrote. It binds,
# submits an SMS and a USSD MO, and reads the deliver_sm replies.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use IO::Handle;
use Net::SMPP;
use POSIX ":sys_wait_h";

my $top = $ENV{NV_TOP} // '.';
my $build = $ENV{NV_BUILD} // "$top/build";
my $slow = $build =~ /san/ ? 4 : 1;
my $dir = tempdir(CLEANUP => 1);
open my $c, '>', "$dir/n.conf" or die;
print $c "[numvertd]\nlog_level = debug\nstats_interval = 0\nshutdown_grace = 2s\n",
    "db_path = $dir/numvert.db\nkey_file = $dir/numvert.keys\n",
    "epoch_key_file = $dir/numvert.epoch\nvault_file = $dir/numvert.vault\n",
    "[link perl]\nmode = server\nlisten = 127.0.0.1:0\nsystem_id = perl\npassword = secret12\n";
close $c;

my $pid = open(my $log, '-|') // die "fork: $!";
if ($pid == 0) {
	open STDERR, '>&', \*STDOUT;
	exec "$build/numvertd", '-c', "$dir/n.conf" or die "exec: $!";
}
# A blocking Net::SMPP call must not hang the suite.
$SIG{ALRM} = sub { kill 'KILL', $pid; BAIL_OUT('timed out') };
alarm(60 * $slow);

# Reads numvertd's log with sysread (no stdio buffer hiding lines from select).
my (@lines, $pending);
$pending = '';
sub pump_log {
	my ($wait) = @_;
	my $rin = '';
	vec($rin, fileno($log), 1) = 1;
	return 0 unless select($rin, undef, undef, $wait);
	my $n = sysread($log, my $chunk, 65536);
	return -1 unless $n;
	$pending .= $chunk;
	while ($pending =~ s/^([^\n]*)\n//) { push @lines, $1; }
	return 1;
}
sub wait_log {
	my ($re, $secs) = @_;
	my $end = time + $secs * $slow;
	for (;;) {
		for my $l (@lines) { return $l if $l =~ $re; }
		return undef if time > $end || pump_log(0.2) < 0;
	}
}

my $l = wait_log(qr/event=listening/, 5);
ok($l, 'numvertd listens');
my ($port) = ($l // '') =~ /port=(\d+)/;

my $smpp = Net::SMPP->new_transceiver('127.0.0.1', port => $port, system_id => 'perl',
    password => 'secret12', interface_version => 0x34, timeout => 5 * $slow);
ok($smpp, 'Net::SMPP binds as transceiver');

# Net::SMPP packs named TLVs as raw octets: pack('C', ...) for one octet.
my $resp = $smpp->submit_sm(source_addr => '22370000061', destination_addr => '36123',
    short_message => 'ARME Kidal');
is($resp->{status}, 0, 'SMS submit_sm answered ESME_ROK');
ok(length($resp->{message_id} // ''), 'with a message_id');
my $dsm = $smpp->read_pdu();
is($dsm->{cmd}, 0x00000005, 'a deliver_sm comes back');
is($dsm->{destination_addr}, '22370000061', 'addressed to the subscriber');
like($dsm->{short_message}, qr/^Merci\. Votre code: \d{9}\. /, 'a report at once (keyword and place), with its case code');
$smpp->deliver_sm_resp(seq => $dsm->{seq}, message_id => '');

$resp = $smpp->submit_sm(service_type => 'USSD', source_addr => '22370000062', destination_addr => '384',
    short_message => '*384#', ussd_service_op => pack('C', 1), its_session_info => pack('CC', 0x05, 0x00));
is($resp->{status}, 0, 'USSD submit_sm answered ESME_ROK');
$dsm = $smpp->read_pdu();
is($dsm->{cmd}, 0x00000005, 'a USSD deliver_sm comes back');
is(unpack('C', $dsm->{ussd_service_op} // "\xff"), 0x02, 'ussd_service_op 0x02 (the language screen, continue)');
is(unpack('H*', $dsm->{its_session_info} // ''), '0500', 'its_session_info echoed, end bit clear');
$smpp->deliver_sm_resp(seq => $dsm->{seq}, message_id => '');
$resp = $smpp->submit_sm(service_type => 'USSD', source_addr => '22370000062', destination_addr => '384',
    short_message => '0', ussd_service_op => pack('C', 0x12), its_session_info => pack('CC', 0x05, 0x02));
is($resp->{status}, 0, 'USSD answer "0" answered ESME_ROK');
$dsm = $smpp->read_pdu();
is(unpack('C', $dsm->{ussd_service_op} // "\xff"), 0x11, 'ussd_service_op 0x11 (end)');
is(unpack('H*', $dsm->{its_session_info} // ''), '0503', 'its_session_info echoed, end bit set');
$smpp->deliver_sm_resp(seq => $dsm->{seq}, message_id => '');

# The numeric-tag trap: ussd_service_op as two octets must be refused.
$resp = $smpp->submit_sm(source_addr => '22370000063', destination_addr => '384',
    short_message => 'x', 0x0501 => 0x81);
is($resp->{status}, 0xc2, 'ussd_service_op of length 2 refused ESME_RINVPARLEN');

$resp = $smpp->unbind();
is($resp->{status}, 0, 'unbind answered');

kill 'TERM', $pid;
while (pump_log(1) >= 0) { }
waitpid($pid, 0);
is($? >> 8, 0, 'numvertd exits with status 0');
ok(!grep(/AddressSanitizer|runtime error:|LeakSanitizer/, @lines), 'no sanitizer report');
ok(!grep(/2237000006\d/, @lines), 'no phone number in the log');
done_testing();
