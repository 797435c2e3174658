// Discovery of eSCL scanners on the local link by mDNS/DNS-SD (_uscan._tcp, _uscans._tcp) and TXT parsing.

package escl

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/mdns"

	"sohoa/scanner"
)

// DiscoverTimeout bounds a whole discovery (both service types).
const DiscoverTimeout = 2 * time.Second

// ServiceInfo is one advertised eSCL service.
type ServiceInfo struct {
	Instance     string   `json:"instance"`            // DNS-SD instance name, unescaped
	Secure       bool     `json:"secure"`              // _uscans._tcp (https)
	Host         string   `json:"host"`                // IP address to reach the device
	Port         int      `json:"port"`                // TCP port
	Resource     string   `json:"resource"`            // rs: path of the eSCL root, without slashes
	Model        string   `json:"model,omitempty"`     // ty: make and model
	UUID         string   `json:"uuid,omitempty"`      // UUID (lower case)
	ColorSpaces  []string `json:"color_spaces"`        // cs: color, grayscale, binary
	InputSources []string `json:"input_sources"`       // is: platen, adf, camera
	Duplex       bool     `json:"duplex"`              // duplex=T
	AdminURL     string   `json:"admin_url,omitempty"` // adminurl
	Version      string   `json:"version,omitempty"`   // vers: eSCL version
	Note         string   `json:"note,omitempty"`      // note: location text
}

// ParseTXT reads the TXT record of a _uscan/_uscans service. Keys are case-insensitive; a
// missing rs means "eSCL", an empty rs the root.
func ParseTXT(fields []string) ServiceInfo {
	s := ServiceInfo{Resource: "eSCL"}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "rs":
			s.Resource = strings.Trim(v, "/")
		case "ty":
			s.Model = v
		case "uuid":
			s.UUID = strings.ToLower(strings.TrimPrefix(strings.ToLower(v), "urn:uuid:"))
		case "cs":
			s.ColorSpaces = splitList(v)
		case "is":
			s.InputSources = splitList(v)
		case "duplex":
			s.Duplex = strings.EqualFold(v, "T") || strings.EqualFold(v, "true")
		case "adminurl":
			s.AdminURL = v
		case "vers":
			s.Version = v
		case "note":
			s.Note = v
		}
	}
	return s
}

func splitList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.ToLower(strings.TrimSpace(x)); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// BaseURL is the eSCL root of the service, e.g. "http://192.168.1.20:80/eSCL".
func (s ServiceInfo) BaseURL() string {
	scheme := "http"
	if s.Secure {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), Path: "/" + s.Resource}
	return u.String()
}

// Info is the scanner.Info of the service.
func (s ServiceInfo) Info() scanner.Info {
	name := s.Model
	if name == "" {
		name = s.Instance
	}
	return scanner.Info{Address: Scheme + ":" + s.BaseURL(), Name: name, Backend: Scheme}
}

// ServiceFromEntry builds a ServiceInfo from an mDNS answer; ok is false when it has no usable address.
func ServiceFromEntry(e *mdns.ServiceEntry, secure bool) (ServiceInfo, bool) {
	s := ParseTXT(e.InfoFields)
	s.Secure = secure
	s.Port = e.Port
	s.Instance = unescapeInstance(e.Name)
	switch {
	case e.AddrV4 != nil:
		s.Host = e.AddrV4.String()
	case e.AddrV6IPAddr != nil:
		s.Host = e.AddrV6IPAddr.String() // carries the zone of a link-local address
	default:
		return s, false
	}
	return s, s.Port > 0
}

// unescapeInstance turns "HP\ LaserJet\032M426\._uscan._tcp.local." into "HP LaserJet M426".
func unescapeInstance(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '\\' && i+1 < len(name) {
			if i+3 < len(name) && isDigit(name[i+1]) && isDigit(name[i+2]) && isDigit(name[i+3]) {
				n, _ := strconv.Atoi(name[i+1 : i+4])
				b.WriteByte(byte(n))
				i += 3
				continue
			}
			b.WriteByte(name[i+1])
			i++
			continue
		}
		if c == '.' {
			break // end of the instance label
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// MergeServices removes duplicates (same UUID, or same address): plain http is preferred
// over https when a device offers both, as sane-airscan does.
func MergeServices(in []ServiceInfo) []ServiceInfo {
	var out []ServiceInfo
	index := map[string]int{}
	for _, s := range in {
		key := s.UUID
		if key == "" {
			key = s.Host + "/" + s.Resource
		}
		if i, ok := index[key]; ok {
			if out[i].Secure && !s.Secure {
				out[i] = s
			}
			continue
		}
		index[key] = len(out)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Info().Name < out[j].Info().Name })
	return out
}

// Discover queries the local link for eSCL scanners for at most timeout (both service types
// share it) and returns them as scanner.Info. The query is multicast on the local link only.
func Discover(ctx context.Context, timeout time.Duration) ([]scanner.Info, error) {
	services, err := DiscoverServices(ctx, timeout)
	infos := make([]scanner.Info, 0, len(services))
	for _, s := range services {
		infos = append(infos, s.Info())
	}
	return infos, err
}

// DiscoverServices is Discover with the full TXT information.
func DiscoverServices(ctx context.Context, timeout time.Duration) ([]ServiceInfo, error) {
	var found []ServiceInfo
	var errs []string
	for _, svc := range []struct {
		name   string
		secure bool
	}{{"_uscan._tcp", false}, {"_uscans._tcp", true}} {
		entries := make(chan *mdns.ServiceEntry, 64)
		params := &mdns.QueryParam{
			Service: svc.name,
			Domain:  "local",
			Timeout: timeout / 2,
			Entries: entries,
			Logger:  log.New(io.Discard, "", 0),
		}
		err := mdns.QueryContext(ctx, params)
		close(entries)
		for e := range entries {
			if s, ok := ServiceFromEntry(e, svc.secure); ok {
				found = append(found, s)
			}
		}
		if ctx.Err() != nil {
			return MergeServices(found), ctx.Err()
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", svc.name, err))
		}
	}
	if len(errs) == 2 {
		return nil, fmt.Errorf("escl: network scanner discovery could not run (%s): check the network connection, or type the scanner's address", strings.Join(errs, "; "))
	}
	return MergeServices(found), nil
}
