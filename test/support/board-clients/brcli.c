/* From shared/reference/cert-psk.md, Appendix A: verified against mosquitto 2.0.11 and BearSSL 0.6. */
/* test client mimicking ESP8266 BearSSL::WiFiClientSecure + X509List trust anchors + MQTT CONNECT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bearssl.h>
static const unsigned char CONNECT[] = {0x10,0x10,0x00,0x04,'M','Q','T','T',0x04,0x02,0x00,0x3c,0x00,0x04,'b','e','a','r'};
typedef struct { unsigned char *p; size_t len, cap; } vec;
static void vappend(void *ctx, const void *b, size_t n){vec*v=ctx;if(v->len+n>v->cap){v->cap=(v->len+n)*2+64;v->p=realloc(v->p,v->cap);}memcpy(v->p+v->len,b,n);v->len+=n;}
static unsigned char *readfile(const char*p,size_t*n){FILE*f=fopen(p,"rb");if(!f){perror(p);exit(2);}fseek(f,0,SEEK_END);*n=ftell(f);rewind(f);unsigned char*b=malloc(*n+1);fread(b,1,*n,f);b[*n]=0;fclose(f);return b;}
/* decode all PEM objects; returns count, fills names/ders */
static int pem_all(const unsigned char*src,size_t len,char names[][64],vec*ders,int max){
  br_pem_decoder_context pc; br_pem_decoder_init(&pc); int cnt=0; int inobj=0; int extra=1;
  while(len>0){size_t t=br_pem_decoder_push(&pc,src,len);src+=t;len-=t;
    switch(br_pem_decoder_event(&pc)){case BR_PEM_BEGIN_OBJ: if(cnt<max){strncpy(names[cnt],br_pem_decoder_name(&pc),63);memset(&ders[cnt],0,sizeof(vec));br_pem_decoder_setdest(&pc,vappend,&ders[cnt]);inobj=1;}break;
      case BR_PEM_END_OBJ: if(inobj){cnt++;inobj=0;}break; case BR_PEM_ERROR: return -1;}
    if(len==0&&extra){extra=0;src=(const unsigned char*)"\n";len=1;}}
  return cnt;}
static int sock_read(void*ctx,unsigned char*b,size_t n){for(;;){ssize_t r=read(*(int*)ctx,b,n);if(r<=0){if(r<0&&errno==EINTR)continue;return -1;}return (int)r;}}
static int sock_write(void*ctx,const unsigned char*b,size_t n){for(;;){ssize_t r=write(*(int*)ctx,b,n);if(r<=0){if(r<0&&errno==EINTR)continue;return -1;}return (int)r;}}
int main(int argc,char**argv){
  /* usage: brcli ip port name|- ca.pem [cert.pem key.pem] */
  const char*ip=argv[1];int port=atoi(argv[2]);const char*name=strcmp(argv[3],"-")?argv[3]:NULL;
  size_t n; unsigned char*pem=readfile(argv[4],&n); char names[8][64]; vec ders[8];
  int c=pem_all(pem,n,names,ders,8); if(c<1){printf("RESULT ca-pem-fail\n");return 1;}
  br_x509_trust_anchor ta; memset(&ta,0,sizeof ta); vec dn={0};
  br_x509_decoder_context dc; br_x509_decoder_init(&dc,vappend,&dn); br_x509_decoder_push(&dc,ders[0].p,ders[0].len);
  br_x509_pkey*pk=br_x509_decoder_get_pkey(&dc); if(!pk){printf("RESULT ca-decode-fail err=%d\n",br_x509_decoder_last_error(&dc));return 1;}
  ta.dn.data=dn.p;ta.dn.len=dn.len;ta.flags=br_x509_decoder_isCA(&dc)?BR_X509_TA_CA:0;ta.pkey=*pk;
  /* deep copy key (pk points into dc which stays alive on stack: fine) */
  static br_ssl_client_context sc; static br_x509_minimal_context xc; static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
  br_ssl_client_init_full(&sc,&xc,&ta,1);
  br_ssl_engine_set_buffer(&sc.eng,iobuf,sizeof iobuf,1);
  static br_x509_certificate chain[1]; static br_skey_decoder_context skd;
  if(argc>6){size_t cn,kn;unsigned char*cp=readfile(argv[5],&cn),*kp=readfile(argv[6],&kn);char nm[8][64];vec cd[8],kd[8];
    pem_all(cp,cn,nm,cd,8);chain[0].data=cd[0].p;chain[0].data_len=cd[0].len;int kc=pem_all(kp,kn,nm,kd,8);(void)kc;
    br_skey_decoder_init(&skd);br_skey_decoder_push(&skd,kd[0].p,kd[0].len);
    if(br_skey_decoder_key_type(&skd)==BR_KEYTYPE_RSA) br_ssl_client_set_single_rsa(&sc,chain,1,br_skey_decoder_get_rsa(&skd),br_rsa_pkcs1_sign_get_default());
    else if(br_skey_decoder_key_type(&skd)==BR_KEYTYPE_EC) br_ssl_client_set_single_ec(&sc,chain,1,br_skey_decoder_get_ec(&skd),BR_KEYTYPE_SIGN,BR_KEYTYPE_RSA,br_ec_get_default(),br_ecdsa_sign_asn1_get_default());
    else {printf("RESULT client-key-decode-fail %d\n",br_skey_decoder_last_error(&skd));return 1;}}
  if(getenv("BR_TIME_1970")) br_x509_minimal_set_time(&xc, 719528, 0);
  br_ssl_client_reset(&sc,name,0);
  int fd=socket(AF_INET,SOCK_STREAM,0);struct sockaddr_in sa={0};sa.sin_family=AF_INET;sa.sin_port=htons(port);inet_pton(AF_INET,ip,&sa.sin_addr);
  if(connect(fd,(struct sockaddr*)&sa,sizeof sa)){printf("RESULT tcp-fail\n");return 1;}
  br_sslio_context ioc; br_sslio_init(&ioc,&sc.eng,sock_read,&fd,sock_write,&fd);
  unsigned char r[8]; int ok = br_sslio_write_all(&ioc,CONNECT,sizeof CONNECT)==0 && br_sslio_flush(&ioc)==0 && br_sslio_read(&ioc,r,4)==4;
  int err=br_ssl_engine_last_error(&sc.eng);
  unsigned ver=br_ssl_engine_get_version(&sc.eng);
  if(ok) printf("RESULT OK ver=0x%04x ca_flag=%s connack=%s\n",ver,ta.flags?"CA":"non-CA",(r[0]==0x20&&r[3]==0)?"accepted":"NO");
  else printf("RESULT FAIL bearssl_err=%d ca_flag=%s\n",err,ta.flags?"CA":"non-CA");
  close(fd);return ok?0:1;}
