/* From shared/reference/cert-psk.md, Appendix A: verified against mosquitto 2.0.11 and mbedTLS 2.28.3. */
/* test client mimicking arduino-esp32 ssl_client.cpp (mbedTLS 2.28) + MQTT CONNECT */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/version.h>
static const unsigned char CONNECT[] = {0x10,0x10,0x00,0x04,'M','Q','T','T',0x04,0x02,0x00,0x3c,0x00,0x04,'m','b','e','d'};
static char *readfile(const char *p){FILE*f=fopen(p,"rb");if(!f){perror(p);exit(2);}fseek(f,0,SEEK_END);long n=ftell(f);rewind(f);char*b=calloc(1,n+1);fread(b,1,n,f);fclose(f);return b;}
int main(int argc,char**argv){
  /* usage: mbedcli host port name|- [ca=path] [cert=path key=path] [psk=hex id=identity] */
  const char*host=argv[1],*port=argv[2],*name=argv[3];const char*ca=0,*cert=0,*key=0,*psk=0,*id=0;
  for(int i=4;i<argc;i++){if(!strncmp(argv[i],"ca=",3))ca=argv[i]+3;else if(!strncmp(argv[i],"cert=",5))cert=argv[i]+5;else if(!strncmp(argv[i],"key=",4))key=argv[i]+4;else if(!strncmp(argv[i],"psk=",4))psk=argv[i]+4;else if(!strncmp(argv[i],"id=",3))id=argv[i]+3;}
  mbedtls_net_context fd; mbedtls_ssl_context ssl; mbedtls_ssl_config conf; mbedtls_entropy_context ent; mbedtls_ctr_drbg_context drbg; mbedtls_x509_crt cacrt, ccrt; mbedtls_pk_context ckey;
  mbedtls_net_init(&fd);mbedtls_ssl_init(&ssl);mbedtls_ssl_config_init(&conf);mbedtls_entropy_init(&ent);mbedtls_ctr_drbg_init(&drbg);mbedtls_x509_crt_init(&cacrt);mbedtls_x509_crt_init(&ccrt);mbedtls_pk_init(&ckey);
  char eb[200]; int ret;
  mbedtls_ctr_drbg_seed(&drbg,mbedtls_entropy_func,&ent,(const unsigned char*)"x",1);
  mbedtls_ssl_config_defaults(&conf,MBEDTLS_SSL_IS_CLIENT,MBEDTLS_SSL_TRANSPORT_STREAM,MBEDTLS_SSL_PRESET_DEFAULT);
  mbedtls_ssl_conf_rng(&conf,mbedtls_ctr_drbg_random,&drbg);
  if(ca){char*b=readfile(ca);ret=mbedtls_x509_crt_parse(&cacrt,(unsigned char*)b,strlen(b)+1);if(ret<0){mbedtls_strerror(ret,eb,200);printf("RESULT ca-parse-fail %s\n",eb);return 1;}
    mbedtls_ssl_conf_authmode(&conf,MBEDTLS_SSL_VERIFY_REQUIRED);mbedtls_ssl_conf_ca_chain(&conf,&cacrt,NULL);}
  else if(psk&&id){unsigned char k[64];size_t n=strlen(psk)/2;for(size_t j=0;j<n;j++){unsigned v;sscanf(psk+2*j,"%2x",&v);k[j]=v;}
    ret=mbedtls_ssl_conf_psk(&conf,k,n,(const unsigned char*)id,strlen(id));if(ret){mbedtls_strerror(ret,eb,200);printf("RESULT conf_psk-fail %s\n",eb);return 1;}}
  if(cert&&key){char*b=readfile(cert);ret=mbedtls_x509_crt_parse(&ccrt,(unsigned char*)b,strlen(b)+1);if(ret<0){mbedtls_strerror(ret,eb,200);printf("RESULT cert-parse-fail %s\n",eb);return 1;}
    char*k=readfile(key);ret=mbedtls_pk_parse_key(&ckey,(unsigned char*)k,strlen(k)+1,NULL,0);if(ret){mbedtls_strerror(ret,eb,200);printf("RESULT key-parse-fail %s\n",eb);return 1;}
    mbedtls_ssl_conf_own_cert(&conf,&ccrt,&ckey);}
  mbedtls_ssl_setup(&ssl,&conf);
  if(strcmp(name,"-"))mbedtls_ssl_set_hostname(&ssl,name);
  if((ret=mbedtls_net_connect(&fd,host,port,MBEDTLS_NET_PROTO_TCP))){printf("RESULT tcp-fail\n");return 1;}
  mbedtls_ssl_set_bio(&ssl,&fd,mbedtls_net_send,mbedtls_net_recv,NULL);
  while((ret=mbedtls_ssl_handshake(&ssl))!=0){if(ret!=MBEDTLS_ERR_SSL_WANT_READ&&ret!=MBEDTLS_ERR_SSL_WANT_WRITE){
    mbedtls_strerror(ret,eb,200);uint32_t fl=mbedtls_ssl_get_verify_result(&ssl);char vb[512]="";if(fl&&fl!=(uint32_t)-1)mbedtls_x509_crt_verify_info(vb,sizeof vb,"",fl);
    for(char*p=vb;*p;p++)if(*p=='\n')*p=';';
    printf("RESULT handshake-fail (-0x%04x) %s | verify: %s\n",-ret,eb,vb);return 1;}}
  uint32_t fl=mbedtls_ssl_get_verify_result(&ssl);
  mbedtls_ssl_write(&ssl,CONNECT,sizeof CONNECT);unsigned char r[16];ret=mbedtls_ssl_read(&ssl,r,sizeof r);
  printf("RESULT OK %s %s verifyflags=%u connack=%s\n",mbedtls_ssl_get_version(&ssl),mbedtls_ssl_get_ciphersuite(&ssl),fl,(ret>=4&&r[0]==0x20&&r[3]==0)?"accepted":"NO");
  mbedtls_ssl_close_notify(&ssl);return 0;}
