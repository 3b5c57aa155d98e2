# The command runner docker-lab keeps on each node: one long-lived process on one SSH channel that starts
# every command of a scenario. A step then costs a request on an open channel instead of a new SSH channel,
# which sshd serves by forking a session process and a shell (about 30 ms).
#
# Perl, because Debian's perl-base is essential (on every node, every suite) and can multiplex pipes with
# select; no module beyond perl-base is used.
#
# Requests on stdin:   run <id> <length>\n<command>    kill <id>\n
# Replies on stdout:   ready <pid>\n   out|err <id> <length>\n<bytes>   exit <id> <code|-> <signal|->\n
#
# Each command runs in bash (the shell the course commands are written for), in a session and process group
# of its own, so `kill` reaches everything it started. Starting bash is most of what a step costs (about
# 6 ms), so two are kept started ahead, each waiting for its command on stdin: a step takes one, and the
# runner starts the next when it has a moment. When stdin ends (the channel closed or the connection
# dropped), every command still running is killed: a node never keeps work nobody waits for.
use strict;
use warnings;
use POSIX ();
use Config;

my @signal_names = split / /, $Config{sig_name};
my %jobs;     # id => { pid, open (pipes not at EOF yet), status (once reaped) }
my %pipes;    # fileno => [id, "out"|"err", handle]
my %job_of;   # pid => id
my $input = "";

# A child's exit wakes the select loop through this pipe (a signal alone could land just before select
# starts and be missed until the next event).
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
$wake_w->blocking(0);
# Handlers, not IGNORE: exec resets handlers to the default, so commands start with ordinary signals.
$SIG{PIPE} = sub { quit() };    # the channel is gone: nobody reads any more
$SIG{CHLD} = sub { syswrite $wake_w, "x" };
binmode STDIN;
binmode STDOUT;

sub reply {
    my ($bytes) = @_;
    while (length $bytes) {
        my $n = syswrite STDOUT, $bytes;
        if (!defined $n) { next if $!{EINTR}; quit() }
        substr($bytes, 0, $n) = "";
    }
}

# The exec'd side of a fork, kept to a few system calls: every Perl-level step in a forked child copies
# pages it shares with the runner, and that showed as milliseconds per command.
open my $null_handle, "+<", "/dev/null" or die "/dev/null: $!";    # Perl marks it close-on-exec
my $null = fileno $null_handle;
sub become {
    my ($in, $out, $err, @argv) = @_;
    POSIX::dup2($in, 0);
    POSIX::dup2($out, 1);
    POSIX::dup2($err, 2);
    exec { $argv[0] } @argv or POSIX::_exit(127);
}

# What the bash started ahead runs: the command arrives on stdin, NUL-terminated; stdin is then at its
# end, as /dev/null would be. `exit` and `$?` in the command behave as under `bash -c`.
my $AHEAD = q{IFS= read -r -d "" docker_lab_command; unset IFS; eval "$docker_lab_command"};
my @ahead;    # bashes started ahead, each { pid, in, out, err }
my $AHEAD_COUNT = 2;    # two keep up with back-to-back steps on a two-core node

sub start_ahead {
    my ($in_r, $in_w, $out_r, $out_w, $err_r, $err_w);
    pipe($in_r, $in_w) && pipe($out_r, $out_w) && pipe($err_r, $err_w) or return;
    my $pid = fork;
    return if !defined $pid;
    if ($pid == 0) {
        POSIX::setsid();
        become(fileno $in_r, fileno $out_w, fileno $err_w, "bash", "-c", $AHEAD);
    }
    close $_ for $in_r, $out_w, $err_w;
    push @ahead, { pid => $pid, in => $in_w, out => $out_r, err => $err_r };
}

# A command that could not be started ends as a shell would end it: a message and code 127.
sub refuse {
    my ($id, $why) = @_;
    my $text = "docker-lab runner: $why\n";
    reply("err $id " . length($text) . "\n$text" . "exit $id 127 -\n");
}

sub start {
    my ($id, $command) = @_;
    # A bash killed while it waited (by hand, or by a command that kills its siblings) may not be reaped yet:
    # reaping first keeps it out of @ahead, and one whose pipe is already closed is passed over for the next.
    reap();
    my $bash;
    for (;;) {
        start_ahead() if !@ahead;
        $bash = shift @ahead or return refuse($id, "cannot start bash: $!");
        last if give($bash, "$command\0");
        close $_ for $bash->{in}, $bash->{out}, $bash->{err};
    }
    $jobs{$id} = { pid => $bash->{pid}, open => 2 };
    $job_of{$bash->{pid}} = $id;
    $pipes{fileno $bash->{out}} = [$id, "out", $bash->{out}];
    $pipes{fileno $bash->{err}} = [$id, "err", $bash->{err}];
}

# Writes the command to a waiting bash; false when that bash is gone (its stdin has no reader).
sub give {
    my ($bash, $text) = @_;
    local $SIG{PIPE} = "IGNORE";    # a bash that died waiting is not a lost channel
    while (length $text) {
        my $n = syswrite $bash->{in}, $text;
        if (!defined $n) { next if $!{EINTR}; return 0 }
        substr($text, 0, $n) = "";
    }
    close $bash->{in};
    return 1;
}

# KILL to the command's process group, as the login user and as root: what a `sudo` command started
# belongs to root. `sudo -n` fails quietly where the user has no sudo.
sub stop {
    my ($id) = @_;
    my $job = $jobs{$id} or return;
    kill "KILL", -$job->{pid};
    my $helper = fork;
    if (defined $helper && $helper == 0) {
        become($null, $null, $null, "sudo", "-n", "kill", "-KILL", "--", "-$job->{pid}");
    }
}

sub quit {
    stop($_) for keys %jobs;
    kill "KILL", $_->{pid} for @ahead;
    POSIX::_exit(0);
}

sub finish_if_done {
    my ($id) = @_;
    my $job = $jobs{$id};
    return if !$job || $job->{open} > 0 || !defined $job->{status};
    my $status = $job->{status};
    my $code = POSIX::WIFEXITED($status) ? POSIX::WEXITSTATUS($status) : "-";
    my $signal = POSIX::WIFSIGNALED($status) ? ($signal_names[POSIX::WTERMSIG($status)] // POSIX::WTERMSIG($status)) : "-";
    delete $jobs{$id};
    reply("exit $id $code $signal\n");
}

sub reap {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        @ahead = grep { $_->{pid} != $pid } @ahead;    # one that died waiting (killed by hand) is replaced
        my $id = delete $job_of{$pid};
        next unless defined $id;    # a kill helper
        $jobs{$id}{status} = $?;
        finish_if_done($id);
    }
}

sub requests {
    for (;;) {
        my $nl = index $input, "\n";
        return if $nl < 0;
        my ($verb, $id, $length) = split / /, substr($input, 0, $nl);
        if ($verb eq "run" && defined $length) {
            return if length($input) < $nl + 1 + $length;
            my $command = substr($input, $nl + 1, $length);
            substr($input, 0, $nl + 1 + $length) = "";
            start($id, $command);
        } elsif ($verb eq "kill") {
            substr($input, 0, $nl + 1) = "";
            stop($id);
        } else {
            print STDERR "docker-lab runner: bad request: ", substr($input, 0, $nl), "\n";
            quit();
        }
    }
}

start_ahead();
reply("ready $$\n");
for (;;) {
    my $wanted = "";
    vec($wanted, $_, 1) = 1 for 0, fileno $wake_r, keys %pipes;
    # The next bash is started once the runner has been idle a moment: forking the runner takes it
    # away from relaying a command that is just ending.
    my $ready = select(my $readable = $wanted, undef, undef, @ahead < $AHEAD_COUNT ? 0.001 : undef);
    start_ahead() if $ready == 0;
    next if $ready <= 0;
    if (vec($readable, fileno $wake_r, 1)) {
        sysread $wake_r, my $ignored, 4096;
        reap();
    }
    if (vec($readable, 0, 1)) {
        my $n = sysread STDIN, $input, 65536, length $input;
        quit() if defined $n && $n == 0;
        quit() if !defined $n && !$!{EINTR};
        requests();
    }
    for my $fd (keys %pipes) {
        next unless vec($readable, $fd, 1);
        my ($id, $stream, $handle) = @{ $pipes{$fd} };
        my $n = sysread $handle, my $chunk, 65536;
        next if !defined $n && $!{EINTR};
        if ($n) {
            reply("$stream $id " . length($chunk) . "\n$chunk");
        } else {
            delete $pipes{$fd};
            close $handle;
            $jobs{$id}{open}--;
            finish_if_done($id);
        }
    }
}
