package browsercookie

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

// SecretService is the freedesktop Secret Service (GNOME Keyring,
// KeePassXC, KWallet's bridge) on a session bus, where Chromium browsers
// keep the password of their v11 key.
type SecretService struct {
	// Address is the session bus (DBUS_SESSION_BUS_ADDRESS).
	Address string
}

const (
	secretsName  = "org.freedesktop.secrets"
	secretsPath  = dbus.ObjectPath("/org/freedesktop/secrets")
	serviceIface = "org.freedesktop.Secret.Service"
)

// Password finds the item labelled label in every collection (not only
// "login": browsers and keyrings differ in where they put it) and
// returns its secret. ctx bounds the whole conversation.
func (s SecretService) Password(ctx context.Context, label string) ([]byte, error) {
	if s.Address == "" {
		return nil, errors.New("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
	}
	conn, err := dbus.Connect(s.Address, dbus.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("cannot reach the session bus: %v", err)
	}
	defer conn.Close()
	svc := conn.Object(secretsName, secretsPath)
	var ignored dbus.Variant
	var session dbus.ObjectPath
	// "plain": the secret comes back as is, over the local bus.
	if err := svc.CallWithContext(ctx, serviceIface+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&ignored, &session); err != nil {
		return nil, fmt.Errorf("no Secret Service on the session bus (is gnome-keyring or another keyring running?): %v", err)
	}
	defer conn.Object(secretsName, session).CallWithContext(ctx, "org.freedesktop.Secret.Session.Close", 0)

	var collections []dbus.ObjectPath
	if err := property(ctx, svc, serviceIface, "Collections", &collections); err != nil {
		return nil, fmt.Errorf("cannot list the keyring's collections: %v", err)
	}
	locked := false
	for _, c := range collections {
		var items []dbus.ObjectPath
		if err := property(ctx, conn.Object(secretsName, c), "org.freedesktop.Secret.Collection", "Items", &items); err != nil {
			continue // a collection that cannot be listed (locked, gone): try the next
		}
		for _, path := range items {
			item := conn.Object(secretsName, path)
			var l string
			if err := property(ctx, item, "org.freedesktop.Secret.Item", "Label", &l); err != nil || l != label {
				continue
			}
			var isLocked bool
			if err := property(ctx, item, "org.freedesktop.Secret.Item", "Locked", &isLocked); err == nil && isLocked {
				locked = true
				continue
			}
			var secret struct {
				Session     dbus.ObjectPath
				Parameters  []byte
				Value       []byte
				ContentType string
			}
			if err := item.CallWithContext(ctx, "org.freedesktop.Secret.Item.GetSecret", 0, session).Store(&secret); err != nil {
				return nil, fmt.Errorf("cannot read the keyring item %q: %v", label, err)
			}
			return secret.Value, nil
		}
	}
	if locked {
		return nil, fmt.Errorf("the keyring item %q is locked", label)
	}
	return nil, fmt.Errorf("no keyring item %q in %d collection(s)%s", label, len(collections), kwalletHint(label))
}

// kwalletHint: KDE keeps the key in KWallet, which this does not read.
func kwalletHint(label string) string {
	if strings.Contains(label, "Safe Storage") {
		return " (a browser that stores its key in KDE's KWallet is not supported)"
	}
	return ""
}

func property(ctx context.Context, obj dbus.BusObject, iface, name string, out any) error {
	var v dbus.Variant
	if err := obj.CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, iface, name).Store(&v); err != nil {
		return err
	}
	return dbus.Store([]any{v.Value()}, out)
}
