/**
 * The lines of print_usage() in Eclipse Mosquitto v2.1.2 (client/pub_client.c, sub_client.c,
 * rr_client.c, apps/mosquitto_passwd/mosquitto_passwd.c; see THIRD-PARTY-NOTICES): its printf
 * calls and preprocessor conditionals, as they stand in the source. The usage test runs them
 * through a small preprocessor and printf to get the bytes mosquitto prints.
 */
export const PRINT_USAGE = {
  pub: String.raw`
printf("mosquitto_pub is a simple mqtt client that will publish a message on a single topic and exit.\n");
printf("mosquitto_pub version %s running on libmosquitto %d.%d.%d.\n\n", VERSION, major, minor, revision);
printf("Usage: mosquitto_pub {[-h host] [--unix path] [-p port] [-u username] [-P password] [--ws] -t topic | -L URL}\n");
printf("                     {-f file | -l | -n | -m message}\n");
printf("                     [-c] [-k keepalive] [-q qos] [-r] [--repeat N] [--repeat-delay time] [-x session-expiry]\n");
#ifdef WITH_SRV
printf("                     [-A bind_address] [--nodelay] [-S]\n");
#else
printf("                     [-A bind_address] [--nodelay]\n");
#endif
printf("                     [-i id] [-I id_prefix]\n");
printf("                     [-d] [--quiet]\n");
printf("                     [-M max_inflight]\n");
printf("                     [-u username [-P password]]\n");
printf("                     [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]\n");
#ifdef WITH_TLS
printf("                     [--no-tls]\n");
printf("                     [{--cafile file | --capath dir} [--cert file] [--key file]\n");
printf("                       [--ciphers ciphers] [--insecure]\n");
printf("                       [--tls-alpn protocol]\n");
printf("                       [--tls-engine engine] [--keyform keyform] [--tls-engine-kpass-sha1]]\n");
printf("                       [--tls-use-os-certs]\n");
#ifdef FINAL_WITH_TLS_PSK
printf("                     [--psk hex-key --psk-identity identity [--ciphers ciphers]]\n");
#endif
#endif
#ifdef WITH_SOCKS
printf("                     [--proxy socks-url]\n");
#endif
printf("                     [--property command identifier value]\n");
printf("                     [-D command identifier value]\n");
printf("                     [-o options-file]\n");
printf("       mosquitto_pub --help\n\n");
printf(" -A : bind the outgoing socket to this host/ip address. Use to control which interface\n");
printf("      the client communicates over.\n");
printf(" -d : enable debug messages.\n");
printf(" -c : disable clean session/enable persistent client mode\n");
printf("      When this argument is used, the broker will be instructed not to clean existing sessions\n");
printf("      for the same client id when the client connects, and sessions will never expire when the\n");
printf("      client disconnects. MQTT v5 clients can change their session expiry interval with the -x\n");
printf("      argument.\n");
printf(" -D : Define MQTT v5 properties. See the documentation for more details.\n");
printf(" -f : send the contents of a file as the message.\n");
printf(" -h : mqtt host to connect to. Defaults to localhost.\n");
printf(" -i : id to use for this client. Defaults to mosquitto_pub_ appended with the process id.\n");
printf(" -I : define the client id as id_prefix appended with the process id. Useful for when the\n");
printf("      broker is using the clientid_prefixes option.\n");
printf(" -k : keep alive in seconds for this client. Defaults to 60.\n");
printf(" -L : specify user, password, hostname, port and topic as a URL in the form:\n");
printf("      mqtt(s)://[username[:password]@]host[:port]/topic\n");
printf("      ws(s)://[username[:password]@]host[:port]/topic\n");
printf(" -l : read messages from stdin, sending a separate message for each line.\n");
printf(" -m : message payload to send.\n");
printf(" -M : the maximum inflight messages for QoS 1/2..\n");
printf(" -n : send a null (zero length) message.\n");
printf(" -o : provide options in a file rather than on the command line.\n");
printf("      See the Options section of https://mosquitto.org/man/mosquitto_pub-1.html\n");
printf(" -p : network port to connect to. Defaults to 1883 for plain MQTT and 8883 for MQTT over TLS.\n");
printf(" -P : provide a password\n");
printf(" -q : quality of service level to use for all messages. Defaults to 0.\n");
printf(" -r : message should be retained.\n");
printf(" -s : read message from stdin, sending the entire input as a message.\n");
#ifdef WITH_SRV
printf(" -S : use SRV lookups to determine which host to connect to.\n");
#endif
printf(" -t : mqtt topic to publish to.\n");
printf(" -u : provide a username\n");
printf(" -V : specify the version of the MQTT protocol to use when connecting.\n");
printf("      Can be mqttv5, mqttv311 or mqttv31. Defaults to mqttv311.\n");
printf(" -x : Set the session-expiry-interval property on the CONNECT packet. Applies to MQTT v5\n");
printf("      clients only. Set to 0-4294967294 to specify the session will expire in that many\n");
printf("      seconds after the client disconnects, or use -1, 4294967295, or ∞ for a session\n");
printf("      that does not expire. Defaults to -1 if -c is also given, or 0 if -c not given.\n");
printf(" --help : display this message.\n");
printf(" --nodelay : disable Nagle's algorithm, to reduce socket sending latency at the possible\n");
printf("             expense of more packets being sent.\n");
printf(" --quiet : don't print error messages.\n");
printf(" --repeat : if publish mode is -f, -m, or -s, then repeat the publish N times.\n");
printf(" --repeat-delay : if using --repeat, wait time seconds between publishes. Defaults to 0.\n");
printf(" --unix : connect to a broker through a unix domain socket instead of a TCP socket,\n");
printf("          e.g. /tmp/mosquitto.sock\n");
printf(" --will-payload : payload for the client Will, which is sent by the broker in case of\n");
printf("                  unexpected disconnection. If not given and will-topic is set, a zero\n");
printf("                  length message will be sent.\n");
printf(" --will-qos : QoS level for the client Will.\n");
printf(" --will-retain : if given, make the client Will retained.\n");
printf(" --will-topic : the topic on which to publish the client Will.\n");
printf(" --ws : connect using WebSockets.\n");
#ifdef WITH_TLS
printf(" --cafile : path to a file containing trusted CA certificates to enable encrypted\n");
printf("            communication.\n");
printf(" --capath : path to a directory containing trusted CA certificates to enable encrypted\n");
printf("            communication.\n");
printf(" --cert : client certificate for authentication, if required by server.\n");
printf(" --key : client private key for authentication, if required by server.\n");
printf(" --keyform : keyfile type, can be either \"pem\" or \"engine\".\n");
printf(" --ciphers : openssl compatible list of TLS ciphers to support.\n");
printf(" --tls-version : TLS protocol version, can be one of tlsv1.3 or tlsv1.2.\n");
printf("                 Defaults to tlsv1.2 if available.\n");
printf(" --insecure : do not verify the the server certificate. Using this option means that\n");
printf("              you cannot be sure that the remote host is the server you wish to connect\n");
printf("              to and so is insecure.\n");
printf("              Do not use this option in a production environment.\n");
printf(" --tls-engine : If set, enables the use of a TLS engine device.\n");
printf(" --tls-engine-kpass-sha1 : SHA1 of the key password to be used with the selected SSL engine.\n");
printf(" --tls-use-os-certs : Load and trust OS provided CA certificates.\n");
#  ifdef FINAL_WITH_TLS_PSK
printf(" --psk : pre-shared-key in hexadecimal (no leading 0x) to enable TLS-PSK mode.\n");
printf(" --psk-identity : client identity string for TLS-PSK mode.\n");
#  endif
#endif
#ifdef WITH_SOCKS
printf(" --proxy : SOCKS5 proxy URL of the form:\n");
printf("           socks5h://[username[:password]@]hostname[:port]\n");
printf("           Only \"none\" and \"username\" authentication is supported.\n");
#endif
printf("\nSee https://mosquitto.org/ for more information.\n\n");
`,
  sub: String.raw`
printf("mosquitto_sub is a simple mqtt client that will subscribe to a set of topics and print all messages it receives.\n");
printf("mosquitto_sub version %s running on libmosquitto %d.%d.%d.\n\n", VERSION, major, minor, revision);
printf("Usage: mosquitto_sub {[-h host] [--unix path] [-p port] [-u username] [-P password] {-t topic | -U topic} [--ws] | -L URL [-t topic]}\n");
printf("                     [-c] [-k keepalive] [-q qos] [-x session-expiry-interval]\n");
printf("                     [-C msg_count] [-E] [-R] [--retained-only] [--remove-retained] [-T filter_out]\n");
printf("                     [-F format]\n");
#ifndef WIN32
printf("                     [-W timeout_secs]\n");
#endif
#ifdef WITH_SRV
printf("                     [-A bind_address] [--nodelay] [-S]\n");
#else
printf("                     [-A bind_address] [--nodelay]\n");
#endif
printf("                     [-i id] [-I id_prefix]\n");
printf("                     [-d] [-N] [--quiet] [-v] [-w|--watch]\n");
printf("                     [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]\n");
#ifdef WITH_TLS
printf("                     [--no-tls]\n");
printf("                     [{--cafile file | --capath dir} [--cert file] [--key file]\n");
printf("                       [--ciphers ciphers] [--insecure]\n");
printf("                       [--tls-alpn protocol]\n");
printf("                       [--tls-engine engine] [--keyform keyform] [--tls-engine-kpass-sha1]]\n");
printf("                       [--tls-use-os-certs]\n");
#ifdef FINAL_WITH_TLS_PSK
printf("                     [--psk hex-key --psk-identity identity [--ciphers ciphers]]\n");
#endif
#endif
#ifdef WITH_SOCKS
printf("                     [--proxy socks-url]\n");
#endif
printf("                     [-D command identifier value]\n");
printf("                     [-o options-file]\n");
printf("       mosquitto_sub --help\n\n");
printf(" -A : bind the outgoing socket to this host/ip address. Use to control which interface\n");
printf("      the client communicates over.\n");
printf(" -c : disable clean session/enable persistent client mode\n");
printf("      When this argument is used, the broker will be instructed not to clean existing sessions\n");
printf("      for the same client id when the client connects, and sessions will never expire when the\n");
printf("      client disconnects. MQTT v5 clients can change their session expiry interval with the -x\n");
printf("      argument.\n");
printf(" -C : disconnect and exit after receiving the 'msg_count' messages.\n");
printf(" -d : enable debug messages.\n");
printf(" -D : Define MQTT v5 properties. See the documentation for more details.\n");
printf(" -E : Exit once all subscriptions have been acknowledged by the broker.\n");
printf(" -F : output format.\n");
printf(" -h : mqtt host to connect to. Defaults to localhost.\n");
printf(" -i : id to use for this client. Defaults to mosquitto_sub_ appended with the process id.\n");
printf(" -I : define the client id as id_prefix appended with the process id. Useful for when the\n");
printf("      broker is using the clientid_prefixes option.\n");
printf(" -k : keep alive in seconds for this client. Defaults to 60.\n");
printf(" -L : specify user, password, hostname, port and topic as a URL in the form:\n");
printf("      mqtt(s)://[username[:password]@]host[:port]/topic\n");
printf("      ws(s)://[username[:password]@]host[:port]/topic\n");
printf(" -N : do not add an end of line character when printing the payload.\n");
printf(" -o : provide options in a file rather than on the command line.\n");
printf("      See the Options section of https://mosquitto.org/man/mosquitto_pub-1.html\n");
printf(" -p : network port to connect to. Defaults to 1883 for plain MQTT and 8883 for MQTT over TLS.\n");
printf(" -P : provide a password\n");
printf(" -q : quality of service level to use for the subscription. Defaults to 0.\n");
printf(" -R : do not print stale messages (those with retain set).\n");
#ifdef WITH_SRV
printf(" -S : use SRV lookups to determine which host to connect to.\n");
#endif
printf(" -t : mqtt topic to subscribe to. May be repeated multiple times.\n");
printf(" -T : topic string to filter out of results. May be repeated.\n");
printf(" -u : provide a username\n");
printf(" -U : unsubscribe from a topic. May be repeated.\n");
printf(" -v : print published messages verbosely.\n");
printf(" -V : specify the version of the MQTT protocol to use when connecting.\n");
printf("      Can be mqttv5, mqttv311 or mqttv31. Defaults to mqttv311.\n");
#ifndef WIN32
printf(" -W : Specifies a timeout in seconds how long to process incoming MQTT messages.\n");
#endif
printf(" -w : messages will be printed on a fixed line number based on the topic and order in\n");
printf("      which topics are received. Useful for monitoring multiple topics that have\n");
printf("      single line payloads.\n");
printf(" -x : Set the session-expiry-interval property on the CONNECT packet. Applies to MQTT v5\n");
printf("      clients only. Set to 0-4294967294 to specify the session will expire in that many\n");
printf("      seconds after the client disconnects, or use -1, 4294967295, or ∞ for a session\n");
printf("      that does not expire. Defaults to -1 if -c is also given, or 0 if -c not given.\n");
printf(" --help : display this message.\n");
printf(" --nodelay : disable Nagle's algorithm, to reduce socket sending latency at the possible\n");
printf("             expense of more packets being sent.\n");
printf(" --pretty : print formatted output rather than minimised output when using the\n");
printf("            JSON output format option.\n");
printf(" --quiet : don't print error messages.\n");
printf(" --random-filter : only print a percentage of received messages. Set to 100 to have all\n");
printf("                   messages printed, 50.0 to have half of the messages received on average\n");
printf("                   printed, and so on.\n");
printf(" --retained-only : only handle messages with the retained flag set, and exit when the\n");
printf("                   first non-retained message is received.\n");
printf(" --remove-retained : send a message to the server to clear any received retained messages\n");
printf("                     Use -T to filter out messages you do not want to be cleared.\n");
printf(" --unix : connect to a broker through a unix domain socket instead of a TCP socket,\n");
printf("          e.g. /tmp/mosquitto.sock\n");
printf(" --will-payload : payload for the client Will, which is sent by the broker in case of\n");
printf("                  unexpected disconnection. If not given and will-topic is set, a zero\n");
printf("                  length message will be sent.\n");
printf(" --will-qos : QoS level for the client Will.\n");
printf(" --will-retain : if given, make the client Will retained.\n");
printf(" --will-topic : the topic on which to publish the client Will.\n");
printf(" --ws : connect using WebSockets.\n");
#ifdef WITH_TLS
printf(" --cafile : path to a file containing trusted CA certificates to enable encrypted\n");
printf("            certificate based communication.\n");
printf(" --capath : path to a directory containing trusted CA certificates to enable encrypted\n");
printf("            communication.\n");
printf(" --cert : client certificate for authentication, if required by server.\n");
printf(" --key : client private key for authentication, if required by server.\n");
printf(" --keyform : keyfile type, can be either \"pem\" or \"engine\".\n");
printf(" --ciphers : openssl compatible list of TLS ciphers to support.\n");
printf(" --tls-version : TLS protocol version, can be one of tlsv1.3 or tlsv1.2.\n");
printf("                 Defaults to tlsv1.2 if available.\n");
printf(" --insecure : do not verify the the server certificate. Using this option means that\n");
printf("              you cannot be sure that the remote host is the server you wish to connect\n");
printf("              to and so is insecure.\n");
printf("              Do not use this option in a production environment.\n");
printf(" --tls-engine : If set, enables the use of a SSL engine device.\n");
printf(" --tls-engine-kpass-sha1 : SHA1 of the key password to be used with the selected SSL engine.\n");
printf(" --tls-use-os-certs : Load and trust OS provided CA certificates.\n");
#ifdef FINAL_WITH_TLS_PSK
printf(" --psk : pre-shared-key in hexadecimal (no leading 0x) to enable TLS-PSK mode.\n");
printf(" --psk-identity : client identity string for TLS-PSK mode.\n");
#endif
#endif
#ifdef WITH_SOCKS
printf(" --proxy : SOCKS5 proxy URL of the form:\n");
printf("           socks5h://[username[:password]@]hostname[:port]\n");
printf("           Only \"none\" and \"username\" authentication is supported.\n");
#endif
printf("\nSee https://mosquitto.org/ for more information.\n\n");
`,
  rr: String.raw`
printf("mosquitto_rr is an mqtt client that can be used to publish a request message and wait for a response.\n");
printf("             Defaults to MQTT v5, where the Request-Response feature will be used, but v3.1.1 can also be used\n");
printf("             with v3.1.1 brokers.\n");
printf("mosquitto_rr version %s running on libmosquitto %d.%d.%d.\n\n", VERSION, major, minor, revision);
printf("Usage: mosquitto_rr {[-h host] [--unix path] [-p port] [-u username] [-P password] -t topic | -L URL} -e response-topic\n");
printf("                    {-f file | -l | -n | -m message}\n");
printf("                    [-c] [-k keepalive] [-q qos] [-R] [-x session-expiry-interval]\n");
printf("                    [-F format]\n");
#ifndef WIN32
printf("                    [-W timeout_secs]\n");
#endif
#ifdef WITH_SRV
printf("                    [-A bind_address] [--nodelay] [-S]\n");
#else
printf("                    [-A bind_address] [--nodelay]\n");
#endif
printf("                    [-i id] [-I id_prefix]\n");
printf("                    [-d] [-N] [--quiet] [-v]\n");
printf("                    [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]\n");
#ifdef WITH_TLS
printf("                    [--no-tls]\n");
printf("                    [{--cafile file | --capath dir} [--cert file] [--key file]\n");
printf("                      [--ciphers ciphers] [--insecure]\n");
printf("                      [--tls-alpn protocol]\n");
printf("                      [--tls-engine engine] [--keyform keyform] [--tls-engine-kpass-sha1]]\n");
printf("                      [--tls-use-os-certs]\n");
#ifdef FINAL_WITH_TLS_PSK
printf("                     [--psk hex-key --psk-identity identity [--ciphers ciphers]]\n");
#endif
#endif
#ifdef WITH_SOCKS
printf("                    [--proxy socks-url]\n");
#endif
printf("                    [-D command identifier value]\n");
printf("                    [-o options-file]\n");
printf("       mosquitto_rr --help\n\n");
printf(" -A : bind the outgoing socket to this host/ip address. Use to control which interface\n");
printf("      the client communicates over.\n");
printf(" -c : disable clean session/enable persistent client mode\n");
printf("      When this argument is used, the broker will be instructed not to clean existing sessions\n");
printf("      for the same client id when the client connects, and sessions will never expire when the\n");
printf("      client disconnects. MQTT v5 clients can change their session expiry interval with the -x\n");
printf("      argument.\n");
printf(" -d : enable debug messages.\n");
printf(" -D : Define MQTT v5 properties. See the documentation for more details.\n");
printf(" -e : Response topic. The client will subscribe to this topic to wait for a response.\n");
printf(" -F : output format.\n");
printf(" -h : mqtt host to connect to. Defaults to localhost.\n");
printf(" -i : id to use for this client. Defaults to mosquitto_rr_ appended with the process id.\n");
printf(" -k : keep alive in seconds for this client. Defaults to 60.\n");
printf(" -L : specify user, password, hostname, port and topic as a URL in the form:\n");
printf("      mqtt(s)://[username[:password]@]host[:port]/topic\n");
printf("      ws(s)://[username[:password]@]host[:port]/topic\n");
printf(" -N : do not add an end of line character when printing the payload.\n");
printf(" -o : provide options in a file rather than on the command line.\n");
printf("      See the Options section of https://mosquitto.org/man/mosquitto_pub-1.html\n");
printf(" -p : network port to connect to. Defaults to 1883 for plain MQTT and 8883 for MQTT over TLS.\n");
printf(" -P : provide a password\n");
printf(" -q : quality of service level to use for communications. Defaults to 0.\n");
printf(" -R : do not print stale messages (those with retain set).\n");
#ifdef WITH_SRV
printf(" -S : use SRV lookups to determine which host to connect to.\n");
#endif
printf(" -t : topic where the request message will be sent.\n");
printf(" -u : provide a username\n");
printf(" -v : print received messages verbosely.\n");
printf(" -V : specify the version of the MQTT protocol to use when connecting.\n");
printf("      Defaults to 5.\n");
#ifndef WIN32
printf(" -W : Specifies a timeout in seconds how long to wait for a response.\n");
#endif
printf(" -x : Set the session-expiry-interval property on the CONNECT packet. Applies to MQTT v5\n");
printf("      clients only. Set to 0-4294967294 to specify the session will expire in that many\n");
printf("      seconds after the client disconnects, or use -1, 4294967295, or ∞ for a session\n");
printf("      that does not expire. Defaults to -1 if -c is also given, or 0 if -c not given.\n");
printf(" --help : display this message.\n");
printf(" --nodelay : disable Nagle's algorithm, to reduce socket sending latency at the possible\n");
printf("             expense of more packets being sent.\n");
printf(" --pretty : print formatted output rather than minimised output when using the\n");
printf("            JSON output format option.\n");
printf(" --quiet : don't print error messages.\n");
printf(" --unix : connect to a broker through a unix domain socket instead of a TCP socket,\n");
printf("          e.g. /tmp/mosquitto.sock\n");
printf(" --will-payload : payload for the client Will, which is sent by the broker in case of\n");
printf("                  unexpected disconnection. If not given and will-topic is set, a zero\n");
printf("                  length message will be sent.\n");
printf(" --will-qos : QoS level for the client Will.\n");
printf(" --will-retain : if given, make the client Will retained.\n");
printf(" --will-topic : the topic on which to publish the client Will.\n");
printf(" --ws : connect using WebSockets.\n");
#ifdef WITH_TLS
printf(" --cafile : path to a file containing trusted CA certificates to enable encrypted\n");
printf("            certificate based communication.\n");
printf(" --capath : path to a directory containing trusted CA certificates to enable encrypted\n");
printf("            communication.\n");
printf(" --cert : client certificate for authentication, if required by server.\n");
printf(" --key : client private key for authentication, if required by server.\n");
printf(" --ciphers : openssl compatible list of TLS ciphers to support.\n");
printf(" --tls-use-os-certs : Load and trust OS provided CA certificates.\n");
printf(" --tls-version : TLS protocol version, can be one of tlsv1.3 or tlsv1.2.\n");
printf("                 Defaults to tlsv1.2 if available.\n");
printf(" --insecure : do not verify the the server certificate. Using this option means that\n");
printf("              you cannot be sure that the remote host is the server you wish to connect\n");
printf("              to and so is insecure.\n");
printf("              Do not use this option in a production environment.\n");
#ifdef WITH_TLS_PSK
printf(" --psk : pre-shared-key in hexadecimal (no leading 0x) to enable TLS-PSK mode.\n");
printf(" --psk-identity : client identity string for TLS-PSK mode.\n");
#endif
#endif
#ifdef WITH_SOCKS
printf(" --proxy : SOCKS5 proxy URL of the form:\n");
printf("           socks5h://[username[:password]@]hostname[:port]\n");
printf("           Only \"none\" and \"username\" authentication is supported.\n");
#endif
printf("\nSee https://mosquitto.org/ for more information.\n\n");
`,
  passwd: String.raw`
printf("mosquitto_passwd is a tool for managing password files for mosquitto.\n\n");
printf("Usage: mosquitto_passwd [-H argon2id | -H sha512-pbkdf2] [-c | -D] passwordfile username\n");
printf("       mosquitto_passwd [-H argon2id | -H sha512-pbkdf2] [-c] -b passwordfile username password\n");
printf("       mosquitto_passwd -U passwordfile\n");
printf(" -b : run in batch mode to allow passing passwords on the command line.\n");
printf(" -c : create a new password file. This will overwrite existing files.\n");
printf(" -D : delete the username rather than adding/updating its password.\n");
printf(" -H : specify the hashing algorithm. Defaults to argon2id, which is recommended.\n");
printf("      Mosquitto 2.0 and earlier defaulted to sha512-pbkdf2.\n");
printf("      Mosquitto 1.6 and earlier defaulted to sha512.\n");
printf(" -U : update a plain text password file to use hashed passwords.\n");
printf("\nSee https://mosquitto.org/ for more information.\n\n");
`,
} as const;
